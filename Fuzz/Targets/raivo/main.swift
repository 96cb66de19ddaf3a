import FuzzSupport

// libFuzzer over the raivo reader.
FuzzSupport.main(reading: "raivo")
