/* Dense switch statements (jump tables), sparse switches (binary search), function pointer
 * tables, indirect calls through structs, a tiny bytecode interpreter, and computed goto. */
#include <stdio.h>
#include <stdint.h>

static int dense(int x) {
    switch (x) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 37;
    case 3: return 41;
    case 4: return 59;
    case 5: return 61;
    case 6: return 73;
    case 7: return 89;
    case 8: return 97;
    case 9: return 101;
    case 10: return 131;
    case 11: return 149;
    case 12: return 151;
    case 13: return 163;
    case 14: return 179;
    case 15: return 181;
    default: return -1;
    }
}

static const char *sparse(unsigned x) {
    switch (x) {
    case 1: return "one";
    case 100: return "hundred";
    case 1000: return "thousand";
    case 4096: return "page";
    case 65535: return "u16max";
    case 1000000: return "million";
    case 0x7fffffff: return "i32max";
    case 0xdeadbeef: return "dead";
    default: return "other";
    }
}

static char kind(char c) {
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 'V';
    case '0' ... '9': return 'D';
    case ' ': case '\t': case '\n': return 'S';
    case 'A' ... 'Z': return 'U';
    default: return c >= 'a' && c <= 'z' ? 'C' : '?';
    }
}

typedef int64_t (*binop)(int64_t, int64_t);
static int64_t op_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t op_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t op_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static int64_t op_div(int64_t a, int64_t b) { return b ? a / b : 0; }
static int64_t op_mod(int64_t a, int64_t b) { return b ? a % b : 0; }
static int64_t op_xor(int64_t a, int64_t b) { return a ^ b; }
static int64_t op_min(int64_t a, int64_t b) { return a < b ? a : b; }
static const binop ops[] = {op_add, op_sub, op_mul, op_div, op_mod, op_xor, op_min};
static const char *opnames[] = {"add", "sub", "mul", "div", "mod", "xor", "min"};

struct shape {
    const struct shape_vt *vt;
    int64_t a, b;
};
struct shape_vt {
    const char *name;
    int64_t (*area)(const struct shape *);
    int64_t (*perimeter)(const struct shape *);
};
static int64_t rect_area(const struct shape *s) { return s->a * s->b; }
static int64_t rect_perim(const struct shape *s) { return 2 * (s->a + s->b); }
static int64_t sq_area(const struct shape *s) { return s->a * s->a; }
static int64_t sq_perim(const struct shape *s) { return 4 * s->a; }
static int64_t tri_area(const struct shape *s) { return s->a * s->b / 2; }
static int64_t tri_perim(const struct shape *s) { return s->a + s->b + (s->a > s->b ? s->a : s->b); }
static const struct shape_vt rect_vt = {"rect", rect_area, rect_perim};
static const struct shape_vt sq_vt = {"square", sq_area, sq_perim};
static const struct shape_vt tri_vt = {"tri", tri_area, tri_perim};

enum { PUSH, ADD, MUL, SUB, DUP, SWAP, JNZ, DEC, PRINT, HALT, OVER, DROP };
static int64_t run(const int64_t *code) {
    int64_t stack[64];
    int sp = 0, pc = 0;
    int64_t out = 0;
    for (;;) {
        switch (code[pc++]) {
        case PUSH: stack[sp++] = code[pc++]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case MUL: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] * (uint64_t)stack[sp]); break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
        case OVER: stack[sp] = stack[sp - 2]; sp++; break;
        case DROP: sp--; break;
        case JNZ: { int64_t t = code[pc++]; if (stack[--sp]) pc = (int)t; } break;
        case DEC: stack[sp - 1]--; break;
        case PRINT: out = (int64_t)((uint64_t)out * 1000003 + (uint64_t)stack[sp - 1]); break;
        case HALT: return out;
        }
    }
}

static uint64_t computed_goto(int n) {
    static void *labels[] = {&&l0, &&l1, &&l2, &&l3};
    uint64_t acc = 1;
    int i = 0;
    goto *labels[0];
l0: acc = acc * 3 + (uint64_t)i; if (++i >= n) return acc; goto *labels[i & 3];
l1: acc ^= acc << 7; if (++i >= n) return acc; goto *labels[(i * 3) & 3];
l2: acc += 0x12345; if (++i >= n) return acc; goto *labels[((uint64_t)i + acc) & 3];
l3: acc = acc * 5 - 1; if (++i >= n) return acc; goto *labels[(acc >> 3) & 3];
}

int main(void) {
    uint64_t h = 0;
    for (int i = -3; i < 20; i++) { printf("%d ", dense(i)); h = h * 7 + (uint64_t)(int64_t)dense(i); }
    printf("\n");
    volatile unsigned sv[] = {0, 1, 2, 100, 999, 1000, 4096, 65535, 65536, 1000000, 0x7fffffff, 0xdeadbeef, 0xffffffff};
    for (unsigned i = 0; i < sizeof sv / sizeof sv[0]; i++) printf("%s ", sparse(sv[i]));
    printf("\n");
    const char *text = "Hello World 2024, the quick brown fox\tjumps!\n";
    for (const char *p = text; *p; p++) putchar(kind(*p));
    putchar('\n');
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        int64_t acc = 17;
        for (int64_t v = -50; v < 50; v += 3) acc = ops[k](acc, v) & 0xffffffffff;
        printf("%s: %lld\n", opnames[k], (long long)acc);
    }
    struct shape shapes[] = {{&rect_vt, 3, 4}, {&sq_vt, 5, 0}, {&tri_vt, 6, 8}, {&rect_vt, 10, 1}};
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        printf("%s area %lld perimeter %lld\n", shapes[i].vt->name, (long long)shapes[i].vt->area(&shapes[i]),
               (long long)shapes[i].vt->perimeter(&shapes[i]));
    /* factorial in bytecode: stack [acc n]; loop: acc *= n, print acc, n--, until n == 0 */
    const int64_t prog[] = {PUSH, 1, PUSH, 20, /* loop at 4: */ SWAP, OVER, MUL, PRINT, SWAP, DEC, DUP, JNZ, 4,
                            DROP, PUSH, 7, DUP, ADD, PUSH, 3, SUB, PRINT, HALT};
    printf("bytecode: %lld\n", (long long)run(prog));
    printf("computed goto: %llu %llu\n", (unsigned long long)computed_goto(10), (unsigned long long)computed_goto(1000));
    printf("h=%llu\n", (unsigned long long)h);
    return 0;
}
