// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title QVM Layer-2 inbox (docs/l2.md)
/// @notice Anyone may submit: deploys, calls, deposits, code chunks and sequencer batches. Every
/// message gets a sequence number and extends a running hash, acc_n = keccak256(acc_{n-1} ‖ message),
/// emitted with it, so an executor reading the logs can prove to itself that it missed nothing.
/// Message bytes: kind (1 byte) ‖ L1 sender (20 bytes) ‖ body (per kind, see docs/l2.md).
/// The contract keeps no message data in storage: the data is the log (and the calldata) on L1.
contract Inbox {
    uint8 internal constant KIND_DEPOSIT = 1;
    uint8 internal constant KIND_DEPLOY = 2;
    uint8 internal constant KIND_CALL = 3;
    uint8 internal constant KIND_CODE_CHUNK = 4;
    uint8 internal constant KIND_DEPLOY_CODE = 5;
    uint8 internal constant KIND_BATCH = 6;

    /// @notice Chain id of the L2 (signed batch transactions must carry it).
    uint256 public immutable l2ChainId;
    /// @notice L1 block of this contract's creation: derivation starts here.
    uint256 public immutable startBlock;
    /// @notice Number of messages so far (the next message's sequence number).
    uint64 public count;
    /// @notice Running hash of all messages so far.
    bytes32 public acc;

    event Message(uint64 indexed seq, bytes32 acc, bytes message);

    constructor(uint256 chainId) {
        l2ChainId = chainId;
        startBlock = block.number;
    }

    function _emit(uint8 kind, bytes memory body) internal returns (uint64 seq) {
        bytes memory message = abi.encodePacked(kind, msg.sender, body);
        bytes32 next = keccak256(abi.encodePacked(acc, message));
        acc = next;
        seq = count;
        count = seq + 1;
        emit Message(seq, next, message);
    }

    /// @notice Credits msg.value to the sender's L2 balance. Body: value (32 bytes).
    function deposit() external payable returns (uint64) {
        return _emit(KIND_DEPOSIT, abi.encodePacked(msg.value));
    }

    /// @notice Deploys a contract on L2. Body: VM gas (8 bytes) ‖ a QVM deploy envelope.
    function deploy(bytes calldata envelope, uint64 gas) external returns (uint64) {
        return _emit(KIND_DEPLOY, abi.encodePacked(gas, envelope));
    }

    /// @notice Calls an L2 contract. Body: VM gas (8 bytes) ‖ L2 contract (20 bytes) ‖ a QVM call envelope.
    function call(address to, bytes calldata envelope, uint64 gas) external returns (uint64) {
        return _emit(KIND_CALL, abi.encodePacked(gas, to, envelope));
    }

    /// @notice One chunk of code too large for one L1 transaction.
    /// Body: code hash (32) ‖ chunk index (4) ‖ chunk count (4) ‖ bytes.
    function uploadChunk(bytes32 codeHash, uint32 index, uint32 total, bytes calldata data) external returns (uint64) {
        require(index < total, "chunk index out of range");
        return _emit(KIND_CODE_CHUNK, abi.encodePacked(codeHash, index, total, data));
    }

    /// @notice Deploys code uploaded in chunks, referenced by its keccak256 hash.
    /// Body: VM gas (8) ‖ code hash (32) ‖ RLP list of constructor arguments.
    function deployCode(bytes32 codeHash, bytes calldata rlpArgs, uint64 gas) external returns (uint64) {
        return _emit(KIND_DEPLOY_CODE, abi.encodePacked(gas, codeHash, rlpArgs));
    }

    /// @notice A sequencer's batch: an RLP list of L2-signed transactions. Body: the batch bytes.
    function submitBatch(bytes calldata batch) external returns (uint64) {
        return _emit(KIND_BATCH, batch);
    }
}
