import FuzzSupport

// libFuzzer over the 2fas reader.
FuzzSupport.main(reading: "2fas")
