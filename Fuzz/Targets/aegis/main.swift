import FuzzSupport

// libFuzzer over the aegis reader.
FuzzSupport.main(reading: "aegis")
