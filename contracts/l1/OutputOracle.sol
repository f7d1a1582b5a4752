// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title QVM Layer-2 output oracle (docs/l2.md)
/// @notice A proposer posts (L2 block, state root, L1 block hash and number it was derived up to).
/// The L1 block must be canonical: its hash is checked with `blockhash`, so an output derived from
/// an L1 fork that lost is refused. Outputs are final after `challengePeriod` seconds unless
/// challenged; the dispute game that decides a challenge (docs/l2.md, fault proofs) is future work:
/// a challenged output stays unresolved.
contract OutputOracle {
    struct Output {
        bytes32 stateRoot;
        bytes32 l1Hash;
        uint64 l1Number;
        uint64 l2Block;
        uint64 timestamp;
        address proposer;
        address challenger;
    }

    /// @notice May change the proposer.
    address public owner;
    /// @notice The only address allowed to propose; address(0) = anyone.
    address public proposer;
    /// @notice Seconds during which an output can be challenged.
    uint256 public immutable challengePeriod;
    /// @notice Bond a challenger locks (returned or forfeited by the future dispute game).
    uint256 public immutable challengeBond;

    Output[] internal outputs;

    event OutputProposed(uint256 indexed index, uint64 indexed l2Block, bytes32 stateRoot, bytes32 l1Hash, uint64 l1Number, address proposer);
    event OutputChallenged(uint256 indexed index, address challenger);
    event ProposerChanged(address proposer);

    constructor(address initialProposer, uint256 period, uint256 bond) {
        owner = msg.sender;
        proposer = initialProposer;
        challengePeriod = period;
        challengeBond = bond;
    }

    function setProposer(address p) external {
        require(msg.sender == owner, "only the owner");
        proposer = p;
        emit ProposerChanged(p);
    }

    function propose(uint64 l2Block, bytes32 stateRoot, bytes32 l1Hash, uint64 l1Number) external returns (uint256 index) {
        require(proposer == address(0) || msg.sender == proposer, "not the proposer");
        require(l1Number < block.number, "L1 block not in the past");
        // blockhash is 0 for blocks older than 256: such outputs cannot be checked and are refused
        require(blockhash(l1Number) == l1Hash, "L1 block hash is not canonical");
        uint256 n = outputs.length;
        if (n > 0) {
            Output storage last = outputs[n - 1];
            require(l2Block > last.l2Block, "L2 block not after the last output");
            require(l1Number >= last.l1Number, "L1 block before the last output's");
        }
        outputs.push(Output(stateRoot, l1Hash, l1Number, l2Block, uint64(block.timestamp), msg.sender, address(0)));
        emit OutputProposed(n, l2Block, stateRoot, l1Hash, l1Number, msg.sender);
        return n;
    }

    /// @notice Opens a dispute on an output within its challenge period (locks the bond).
    function challenge(uint256 index) external payable {
        require(index < outputs.length, "no such output");
        Output storage o = outputs[index];
        require(block.timestamp < o.timestamp + challengePeriod, "challenge period over");
        require(o.challenger == address(0), "already challenged");
        require(msg.value == challengeBond, "wrong bond");
        o.challenger = msg.sender;
        emit OutputChallenged(index, msg.sender);
    }

    function outputCount() external view returns (uint256) {
        return outputs.length;
    }

    function getOutput(uint256 index) external view returns (Output memory) {
        return outputs[index];
    }

    /// @notice Final: past its challenge period and never challenged (withdrawals prove against these).
    function isFinal(uint256 index) external view returns (bool) {
        Output storage o = outputs[index];
        return o.challenger == address(0) && block.timestamp >= o.timestamp + challengePeriod;
    }
}
