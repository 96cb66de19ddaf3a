import FuzzSupport

// libFuzzer over the bitwarden-json reader.
FuzzSupport.main(reading: "bitwarden-json")
