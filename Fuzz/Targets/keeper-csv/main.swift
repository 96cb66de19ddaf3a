import FuzzSupport

// libFuzzer over the keeper-csv reader.
FuzzSupport.main(reading: "keeper-csv")
