import FuzzSupport

// libFuzzer over the totp-authenticator reader.
FuzzSupport.main(reading: "totp-authenticator")
