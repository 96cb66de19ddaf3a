import FuzzSupport

// libFuzzer over the freeotp-tokens reader.
FuzzSupport.main(reading: "freeotp-tokens")
