// Hardhat 3 here only serves JSON-RPC: `hardhat node` on EDR, a second EVM implementation for the SDK tests
// (tests/sdk/hardhat_support.py). No Solidity config and nothing to compile, so it never downloads a compiler.
import { defineConfig } from "hardhat/config";

export default defineConfig({});
