import FuzzSupport

// libFuzzer over the otpbridge-json reader.
FuzzSupport.main(reading: "otpbridge-json")
