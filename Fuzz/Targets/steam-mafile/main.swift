import FuzzSupport

// libFuzzer over the steam-mafile reader.
FuzzSupport.main(reading: "steam-mafile")
