/* Rewrites and runs a small function in a RWX page, 100000 times: "mov eax, imm32; ret". */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "construct") == 0) return 0; /* deploy cleanly, misbehave when called */
  unsigned char *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 2;
  long sum = 0;
  for (int i = 0; i < 100000; i++) {
    code[0] = 0xb8; memcpy(code + 1, &i, 4); code[5] = 0xc3;
    sum += ((int (*)(void))code)();
  }
  printf("sum %ld\n", sum);
  return sum == 4999950000L ? 0 : 3;
}
