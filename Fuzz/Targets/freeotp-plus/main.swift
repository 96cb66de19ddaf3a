import FuzzSupport

// libFuzzer over the freeotp-plus reader.
FuzzSupport.main(reading: "freeotp-plus")
