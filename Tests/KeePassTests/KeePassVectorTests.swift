import Foundation
import KeePass
import OTPCore
import TestSupport
import Testing
