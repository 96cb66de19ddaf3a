import FuzzSupport

// libFuzzer over the enpass reader.
FuzzSupport.main(reading: "enpass")
