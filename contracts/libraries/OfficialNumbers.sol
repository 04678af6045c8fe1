// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

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
/// The series table below is generated from the SDK's rules (`python scripts/number_series.py`): per office and
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
    uint256 private constant _ENTRY_BYTES = 24;
    uint256 private constant _BOUND_MASK = (1 << 80) - 1;

    // forgefmt: disable-start
    // BEGIN GENERATED SERIES TABLE: office (2 bytes) series (2 bytes) minimum (10 bytes) maximum (10 bytes), sorted
    bytes private constant _TABLE = hex"434e414f000000000000765238e100000000000077729cff434e415000000000002ea3680981000000000030e4f9b3ff434e504e000000000000000f4241000000000000003d08ff434e504e00000000000005f5e10100000000000017d783ff434e5352000000000004a3531401000000000004e3b291ff434e544d0000000000000000000100000000000005f5e0ff434e5a50000000001224fe9fad010000000013176afad8ff44454150000000000017bfe9850100000000008c2ff4e4ff4445504e0000000000000000000100000000000005f5e0ff4550415000000000000075e5e2810000000000007bdbc37f4550504e000000000000000000010000000000000098967f474241500000000000000bc8a9a10000000000000c61401f4742504e000000000000000000010000000000000098967f484b414f0000000000007707cd410000000000007866c0ff484b4150000000000002cc6362c1000000000007794f20ff484b504e000000000000000f4241000000000000001e847f484b504e00000000000001312d01000000000000055d4a7f4a50415000000000000072cc6d810000000000007d2b74ff4a504453000000000000000000010000000000000098967f4a505042000000000000757b12c10000000000007d2b74ff4a50504e000000000000000000010000000000000098967f4a50544d000000000000000000010000000000000098967f4a50554d000000000000000000010000000000000098967f4b5241500000000000ed5c8d190100000000044b318729ff4b5250420000000000ed5c8d19010000000001d68cfcb1ff4b52524700000000000005f5e1010000000000001c9c37ff55534150000000000000000f424100000000000003d08fff55534453000000000000000000010000000000000098967f55535042000000000004a8b05e81000000000004e3b291ff5553504c00000000000000000001000000000000000f423f5553504e0000000000000000000100000000000005f5e0ff5553524500000000000000000001000000000000000f423f574f504200000000000075e5e2810000000000007d2b74ff574f50430000000009300ccf6a810000000020270d5cd0ff";
    // END GENERATED SERIES TABLE
    // forgefmt: disable-end

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
        if (seriesCode == _KNOW_HOW || seriesCode == _UNPUBLISHED) return isOfficeCode(bytes2(uint16(officeSeries >> 16)));
        bytes memory table = _TABLE;
        uint256 count = table.length / _ENTRY_BYTES;
        uint256 low;
        uint256 high = count;
        // Binary search for the first entry of the office and series; entries of one series are adjacent.
        while (low < high) {
            uint256 middle = (low + high) >> 1;
            if (_entry(table, middle) >> 224 < officeSeries) low = middle + 1;
            else high = middle;
        }
        for (; low < count; ++low) {
            uint256 entry = _entry(table, low);
            if (entry >> 224 != officeSeries) return false;
            if (serial >= (entry >> 144) & _BOUND_MASK && serial <= (entry >> 64) & _BOUND_MASK) return true;
        }
        return false;
    }

    /// @notice The number an unpublished application `number` is registered under with `salt`: its office, series
    /// "UC", and as serial the low 216 bits of keccak256(number without flags, salt) (1 if they are all zero).
    function unpublished(uint256 number, bytes32 salt) internal pure returns (uint256) {
        uint256 serial = uint256(keccak256(abi.encode(number & _NUMBER_MASK, salt))) & _SERIAL_MASK;
        if (serial == 0) serial = 1;
        return (uint256(uint16(office(number))) << 232) | (_UNPUBLISHED << 216) | serial;
    }

    /// @notice Whether `code` is two upper-case ASCII letters.
    function isOfficeCode(bytes2 code) internal pure returns (bool) {
        uint256 letters = uint16(code);
        // Wrapping subtraction: a letter below "A" wraps to a large number, so one comparison per letter suffices.
        unchecked {
            return ((letters >> 8) - 0x41) & 0xff < 26 && ((letters & 0xff) - 0x41) & 0xff < 26;
        }
    }

    /// @dev The 32 bytes at entry `index` of the table: the entry in the high 24, then the next entry's start.
    function _entry(bytes memory table, uint256 index) private pure returns (uint256 word) {
        assembly ("memory-safe") {
            word := mload(add(add(table, 0x20), mul(index, _ENTRY_BYTES)))
        }
    }
}
