import FuzzSupport

// libFuzzer over the dashlane-csv reader.
FuzzSupport.main(reading: "dashlane-csv")
