import FuzzSupport

// libFuzzer over the bitwarden-csv reader.
FuzzSupport.main(reading: "bitwarden-csv")
