import FuzzSupport

// libFuzzer over the google-authenticator-db reader.
FuzzSupport.main(reading: "google-authenticator-db")
