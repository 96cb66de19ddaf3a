import FuzzSupport

// libFuzzer over the keeper reader.
FuzzSupport.main(reading: "keeper")
