import FuzzSupport

// libFuzzer over the lastpass reader.
FuzzSupport.main(reading: "lastpass")
