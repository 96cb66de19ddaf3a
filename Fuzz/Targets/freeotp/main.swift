import FuzzSupport

// libFuzzer over the freeotp reader.
FuzzSupport.main(reading: "freeotp")
