import Archive
import OTPCore
import TestSupport
import Testing
