import FuzzSupport

// libFuzzer over the ms-authenticator reader.
FuzzSupport.main(reading: "ms-authenticator")
