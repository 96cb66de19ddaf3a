import FuzzSupport

// libFuzzer over the ente reader.
FuzzSupport.main(reading: "ente")
