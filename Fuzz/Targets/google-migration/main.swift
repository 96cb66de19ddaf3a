import FuzzSupport

// libFuzzer over the google-migration reader.
FuzzSupport.main(reading: "google-migration")
