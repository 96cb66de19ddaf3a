import FuzzSupport

// libFuzzer over the stratum reader.
FuzzSupport.main(reading: "stratum")
