import FuzzSupport

// libFuzzer over the entra-csv reader.
FuzzSupport.main(reading: "entra-csv")
