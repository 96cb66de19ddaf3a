import FuzzSupport

// libFuzzer over the winauth reader.
FuzzSupport.main(reading: "winauth")
