import FuzzSupport

// libFuzzer over the proton-pass reader.
FuzzSupport.main(reading: "proton-pass")
