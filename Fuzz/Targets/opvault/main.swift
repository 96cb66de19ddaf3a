import FuzzSupport

// libFuzzer over the opvault reader (profile.js; no band files beside a fuzz input, no password).
FuzzSupport.main(reading: "opvault")
