import FuzzSupport

// libFuzzer over the pskc reader.
FuzzSupport.main(reading: "pskc")
