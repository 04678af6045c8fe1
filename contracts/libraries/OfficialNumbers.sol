// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Identifiers} from "./Identifiers.sol";

/// @title OfficialNumbers
/// @notice Official numbers of IP offices in their canonical packed form, the right id derived from them, and the
/// check that a number is canonical (docs/numbers.md).
/// @dev A number is a uint256 (bit 0 is the least significant):
/// - [0..215]    serial: an integer; spaces, punctuation, leading zeros, kind codes and check digits are not part
///               of it, so every written form of one number has one serial
/// - [216..231]  series: two ASCII characters naming the number series inside the office ("AP" applications, "PN"
///               publication and grant numbers, ...)
/// - [232..247]  office: two upper-case ASCII letters ("CN", "EP", "WO", ...)
/// - [248]       family flag: a number the right shares with its family (a PCT application, a WO publication, a
///               priority application), recorded but never reserved
/// - [249..255]  zero
/// The series check at the end (`_inSeries`) is generated from the SDK's rules (`python scripts/number_series.py`): per office and
/// series, the serial ranges in which each real number has exactly one serial (a WO publication is year * 10**6 +
/// number, so "WO 03/12345" can only be 2003012345, never 312345). Two series take any office and any non-zero
/// serial: "KH" (know-how: a hash of the owner's reference) and "UC" (an unpublished application under a salted
/// commitment, opened at publication).
library OfficialNumbers {
    /// @notice The family flag of a packed number.
    uint256 internal constant FAMILY = 1 << 248;

    /// @dev keccak256("ipledger.right.v2"): the domain of right ids and number keys (checked by the SDK's tests).
    uint256 private constant _RIGHT_DOMAIN = 0x3e21502d0b3e0324bc94f1fa90a26136c2cebf6de5f2915cf4ba930b5b35f748;

    /// @dev Everything but the flags.
    uint256 private constant _NUMBER_MASK = 0x00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;

    uint256 private constant _SERIAL_MASK = (1 << 216) - 1;
    uint256 private constant _KNOW_HOW = 0x4b48; // "KH"
    uint256 private constant _UNPUBLISHED = 0x5543; // "UC"
    bytes2 private constant _INTERNATIONAL = "WO";


    /// @notice The key of `packedNumber` (its flags ignored): the token id of the right whose primary number it is, and
    /// the key under which it is reserved as another number of a right.
    function key(uint256 packedNumber) internal pure returns (uint256 result) {
        assembly ("memory-safe") {
            mstore(0x00, _RIGHT_DOMAIN)
            mstore(0x20, and(packedNumber, _NUMBER_MASK))
            result := keccak256(0x00, 0x40)
        }
    }

    /// @notice The office of `number`, e.g. "CN".
    function office(uint256 number) internal pure returns (bytes2) {
        return bytes2(uint16(number >> 232));
    }

    /// @notice Whether `number` is flagged as a family link.
    function isFamily(uint256 number) internal pure returns (bool) {
        return number & FAMILY != 0;
    }

    /// @notice Whether `number` can only be a family link, never the number of one right: a number of the
    /// international bureau ("WO": PCT applications and WO publications), which every national phase shares.
    function isFamilyOnly(uint256 number) internal pure returns (bool) {
        return office(number) == _INTERNATIONAL;
    }

    /// @notice Whether `number` is in canonical form: no unknown flag, a series of its office, a serial in range.
    function isCanonical(uint256 number) internal pure returns (bool) {
        if (number >> 249 != 0) return false;
        uint256 serial = number & _SERIAL_MASK;
        if (serial == 0) return false;
        uint256 officeSeries = uint32(number >> 216);
        uint256 seriesCode = officeSeries & 0xffff;
        if (seriesCode == _KNOW_HOW || seriesCode == _UNPUBLISHED) {
            return Identifiers.isCode(bytes2(uint16(officeSeries >> 16)));
        }
        return _inSeries(officeSeries, serial);
    }

    /// @notice The number an unpublished application `number` is registered under with `salt`: its office, series
    /// "UC", and as serial the low 216 bits of keccak256(number without flags, salt) (1 if they are all zero).
    function unpublished(uint256 number, bytes32 salt) internal pure returns (uint256) {
        uint256 serial = uint256(keccak256(abi.encode(number & _NUMBER_MASK, salt))) & _SERIAL_MASK;
        if (serial == 0) serial = 1;
        return (uint256(uint16(office(number))) << 232) | (_UNPUBLISHED << 216) | serial;
    }

    // forgefmt: disable-start
    // BEGIN GENERATED SERIES TABLE
    /// @dev Whether `serial` lies in a range of the series `officeSeries` (office << 16 | series, ASCII): a
    /// binary decision tree over the offices' series, generated from the SDK's rules
    /// (`python scripts/number_series.py`), so the check reads no memory and no storage.
    function _inSeries(uint256 officeSeries, uint256 serial) private pure returns (bool) {
        if (officeSeries < 0x4a504453) {
            if (officeSeries < 0x45504150) {
                if (officeSeries < 0x434e544d) {
                    if (officeSeries < 0x434e504e) {
                        // CN AO: an application number of 1985 to September 2003
                        if (officeSeries == 0x434e414f) return (serial >= 1_985_100_001 && serial <= 2_003_999_999);
                        // CN AP: an application number
                        if (officeSeries == 0x434e4150) return (serial >= 200_310_000_001 && serial <= 209_999_999_999);
                        return false;
                    }
                    // CN PN: a publication or grant number
                    if (officeSeries == 0x434e504e) {
                        return (serial >= 1_000_001 && serial <= 3_999_999)
                            || (serial >= 100_000_001 && serial <= 399_999_999);
                    }
                    // CN SR: a software copyright registration
                    if (officeSeries == 0x434e5352) return (serial >= 19_920_000_001 && serial <= 20_999_999_999);
                    return false;
                }
                if (officeSeries < 0x44454150) {
                    // CN TM: a trademark number
                    if (officeSeries == 0x434e544d) return (serial >= 1 && serial <= 99_999_999);
                    // CN ZP: a works registration
                    if (officeSeries == 0x434e5a50) {
                        return (serial >= 19_950_100_000_001 && serial <= 20_991_299_999_999);
                    }
                    return false;
                }
                // DE AP: a file number
                if (officeSeries == 0x44454150) return (serial >= 102_004_000_001 && serial <= 602_099_999_999);
                // DE PN: a publication number of before 2004
                if (officeSeries == 0x4445504e) return (serial >= 1 && serial <= 99_999_999);
                return false;
            }
            if (officeSeries < 0x484b414f) {
                if (officeSeries < 0x47424150) {
                    // EP AP: an application number
                    if (officeSeries == 0x45504150) return (serial >= 1_978_000_001 && serial <= 2_077_999_999);
                    // EP PN: a publication or grant number
                    if (officeSeries == 0x4550504e) return (serial >= 1 && serial <= 9_999_999);
                    return false;
                }
                // GB AP: an application number
                if (officeSeries == 0x47424150) return (serial >= 197_700_001 && serial <= 207_699_999);
                // GB PN: a publication number
                if (officeSeries == 0x4742504e) return (serial >= 1 && serial <= 9_999_999);
                return false;
            }
            if (officeSeries < 0x484b504e) {
                // HK AO: an application number of 1997 to 2019
                if (officeSeries == 0x484b414f) return (serial >= 1_997_000_001 && serial <= 2_019_999_999);
                // HK AP: an application number since 19 December 2019
                if (officeSeries == 0x484b4150) return (serial >= 12_019_000_001 && serial <= 32_099_999_999);
                return false;
            }
            // HK PN: a publication or grant number
            if (officeSeries == 0x484b504e) {
                return (serial >= 1_000_001 && serial <= 1_999_999)
                    || (serial >= 20_000_001 && serial <= 89_999_999);
            }
            // JP AP: a patent application number
            if (officeSeries == 0x4a504150) return (serial >= 1_926_000_001 && serial <= 2_099_999_999);
            return false;
        }
        if (officeSeries < 0x55534150) {
            if (officeSeries < 0x4a50554d) {
                if (officeSeries < 0x4a50504e) {
                    // JP DS: a design registration
                    if (officeSeries == 0x4a504453) return (serial >= 1 && serial <= 9_999_999);
                    // JP PB: an unexamined publication number
                    if (officeSeries == 0x4a505042) return (serial >= 1_971_000_001 && serial <= 2_099_999_999);
                    return false;
                }
                // JP PN: a patent number
                if (officeSeries == 0x4a50504e) return (serial >= 1 && serial <= 9_999_999);
                // JP TM: a trademark registration
                if (officeSeries == 0x4a50544d) return (serial >= 1 && serial <= 9_999_999);
                return false;
            }
            if (officeSeries < 0x4b525042) {
                // JP UM: a utility model registration
                if (officeSeries == 0x4a50554d) return (serial >= 1 && serial <= 9_999_999);
                // KR AP: an application number
                if (officeSeries == 0x4b524150) return (serial >= 1_019_460_000_001 && serial <= 4_720_999_999_999);
                return false;
            }
            // KR PB: an unexamined publication number
            if (officeSeries == 0x4b525042) return (serial >= 1_019_460_000_001 && serial <= 2_020_999_999_999);
            // KR RG: a registration number
            if (officeSeries == 0x4b525247) return (serial >= 100_000_001 && serial <= 479_999_999);
            return false;
        }
        if (officeSeries < 0x5553504e) {
            if (officeSeries < 0x55535042) {
                // US AP: an application number
                if (officeSeries == 0x55534150) return (serial >= 1_000_001 && serial <= 63_999_999);
                // US DS: a design patent number
                if (officeSeries == 0x55534453) return (serial >= 1 && serial <= 9_999_999);
                return false;
            }
            // US PB: a pre-grant publication number
            if (officeSeries == 0x55535042) return (serial >= 20_010_000_001 && serial <= 20_999_999_999);
            // US PL: a plant patent number
            if (officeSeries == 0x5553504c) return (serial >= 1 && serial <= 999_999);
            return false;
        }
        if (officeSeries < 0x574f5042) {
            // US PN: a utility patent number
            if (officeSeries == 0x5553504e) return (serial >= 1 && serial <= 99_999_999);
            // US RE: a reissue patent number
            if (officeSeries == 0x55535245) return (serial >= 1 && serial <= 999_999);
            return false;
        }
        // WO PB: a WO publication number
        if (officeSeries == 0x574f5042) return (serial >= 1_978_000_001 && serial <= 2_099_999_999);
        // WO PC: a PCT application number
        if (officeSeries == 0x574f5043) return (serial >= 10_101_978_000_001 && serial <= 35_352_099_999_999);
        return false;
    }
    // END GENERATED SERIES TABLE
    // forgefmt: disable-end
}
