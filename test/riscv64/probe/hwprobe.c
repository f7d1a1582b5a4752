/* riscv_hwprobe (Linux 6.4+; qemu 7.2 lacks it, so this one is checked against the values QVM
 * documents, not against qemu): every key QVM knows, plus an unknown key. */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>

struct pair { int64_t key; uint64_t value; };

int main(void) {
    struct pair p[7] = {{0}, {1}, {2}, {3}, {4}, {5}, {99}};
    long r = syscall(258, p, 7, 0, 0, 0);
    printf("hwprobe %ld\n", r);
    for (int i = 0; i < 7; i++) printf("key %lld value 0x%llx\n", (long long)p[i].key, (unsigned long long)p[i].value);
    printf("bad flags %ld\n", syscall(258, p, 1, 0, 0, 1));
    printf("flush_icache %ld\n", syscall(259, 0, 0, 0));
    return 0;
}
