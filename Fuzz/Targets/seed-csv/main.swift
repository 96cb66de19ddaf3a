import FuzzSupport

// libFuzzer over the seed-csv reader.
FuzzSupport.main(reading: "seed-csv")
