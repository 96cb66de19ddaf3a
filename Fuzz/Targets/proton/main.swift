import FuzzSupport

// libFuzzer over the proton reader.
FuzzSupport.main(reading: "proton")
