import FuzzSupport

// libFuzzer over the otpauth reader.
FuzzSupport.main(reading: "otpauth")
