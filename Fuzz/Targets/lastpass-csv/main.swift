import FuzzSupport

// libFuzzer over the lastpass-csv reader.
FuzzSupport.main(reading: "lastpass-csv")
