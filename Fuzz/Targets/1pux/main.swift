import FuzzSupport

// libFuzzer over the 1pux reader.
FuzzSupport.main(reading: "1pux")
