import FuzzSupport

// libFuzzer over the apple-passwords reader.
FuzzSupport.main(reading: "apple-passwords")
