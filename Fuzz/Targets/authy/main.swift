import FuzzSupport

// libFuzzer over the authy reader.
FuzzSupport.main(reading: "authy")
