import FuzzSupport

// libFuzzer over the battle-net reader.
FuzzSupport.main(reading: "battle-net")
