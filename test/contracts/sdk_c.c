/*
 * The C SDK (sdk/c/qvm.h) as a contract, for test/sdk.test.ts. argv[1] picks what it does:
 *
 *   ctx            OUT=<every context function's value, space-separated>
 *   valid KEY VAL  OUT=key <0|1> value <0|1>
 *   get KEY        OUT=KEY=<value> or OUT=KEY missing
 *   set KEY VAL    qvm_set (a bad key or value fails the call)
 *   del KEY        qvm_del
 *   event TEXT     qvm_event("%s", TEXT) (a newline fails the call)
 */
#include <inttypes.h>
#include "../../sdk/c/qvm.h"

int main(int argc, char **argv) {
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "ctx") == 0) {
        qvm_event("%s %s %s %s %s %" PRIu64 " %" PRIu64 " %" PRIu64 " %d", qvm_sender(), qvm_contract(), qvm_value(), qvm_tx_hash(),
                  qvm_prev_block_hash(), qvm_block_number(), qvm_block_timestamp(), qvm_chain_id(), qvm_initialized());
    } else if (strcmp(cmd, "valid") == 0 && argc == 4) {
        qvm_event("key %d value %d", qvm_valid_key(argv[2]), qvm_valid_value(argv[3]));
    } else if (strcmp(cmd, "get") == 0 && argc == 3) {
        char *v = qvm_get(argv[2]);
        if (v) qvm_event("%s=%s", argv[2], v);
        else qvm_event("%s missing", argv[2]);
        free(v);
    } else if (strcmp(cmd, "set") == 0 && argc == 4) {
        qvm_set(argv[2], argv[3]);
    } else if (strcmp(cmd, "del") == 0 && argc == 3) {
        qvm_del(argv[2]);
    } else if (strcmp(cmd, "event") == 0 && argc == 3) {
        qvm_event("%s", argv[2]);
    } else {
        qvm_fail("usage: ctx | valid KEY VAL | get KEY | set KEY VAL | del KEY | event TEXT");
    }
    return 0;
}
