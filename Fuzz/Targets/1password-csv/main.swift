import FuzzSupport

// libFuzzer over the 1password-csv reader.
FuzzSupport.main(reading: "1password-csv")
