import FuzzSupport

// libFuzzer over the authenticator-plus reader.
FuzzSupport.main(reading: "authenticator-plus")
