import FuzzSupport

// libFuzzer over the nordpass-csv reader.
FuzzSupport.main(reading: "nordpass-csv")
