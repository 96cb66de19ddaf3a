import FuzzSupport

// libFuzzer over the duo reader.
FuzzSupport.main(reading: "duo")
