#include "helpers.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tmp_file(int slot, const char *name, const char *text)
{
    static char paths[8][512];
    static char dir[256];
    if (dir[0] == '\0') {
        (void)snprintf(dir, sizeof(dir), "%s/awsorch-test-XXXXXX",
                       getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        cr_assert_not_null(mkdtemp(dir), "mkdtemp failed");
    }
    cr_assert(slot >= 0 && slot < 8);
    (void)snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", dir, name);
    FILE *f = fopen(paths[slot], "wb");
    cr_assert_not_null(f, "cannot create %s", paths[slot]);
    (void)fputs(text, f);
    (void)fclose(f);
    return paths[slot];
}

int run_cli(char *const *args, char *const env[], awsorch_buf *out, awsorch_buf *err)
{
    char *argv[32];
    int n = 0;
    argv[n++] = AWSORCH_CLI;
    for (; *args != NULL; args++) {
        cr_assert(n < 31, "too many arguments for run_cli");
        argv[n++] = *args;
    }
    argv[n] = NULL;
    return run_cmd(argv, env, NULL, out, err);
}

void read_file(const char *path, awsorch_buf *out)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    char chunk[4096];
    size_t n;
    awsorch_buf_append(out, "", 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        awsorch_buf_append(out, chunk, n);
    }
    (void)fclose(f);
}

static void drain(int fd, awsorch_buf *into)
{
    char chunk[4096];
    ssize_t n;
    awsorch_buf_append(into, "", 0);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        awsorch_buf_append(into, chunk, (size_t)n);
    }
}

int run_cmd(char *const argv[], char *const env[], const char *stdin_path, awsorch_buf *out,
            awsorch_buf *err)
{
    char out_tmpl[] = "/tmp/awsorch-out-XXXXXX";
    char err_tmpl[] = "/tmp/awsorch-err-XXXXXX";
    int out_fd = mkstemp(out_tmpl);
    int err_fd = mkstemp(err_tmpl);
    cr_assert(out_fd >= 0 && err_fd >= 0, "mkstemp failed");
    unlink(out_tmpl);
    unlink(err_tmpl);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        int in_fd = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in_fd < 0 || dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
            _exit(127);
        }
        execve(argv[0], argv, env);
        _exit(127);
    }
    int status = 0;
    cr_assert(waitpid(pid, &status, 0) == pid, "waitpid failed");
    lseek(out_fd, 0, SEEK_SET);
    lseek(err_fd, 0, SEEK_SET);
    drain(out_fd, out);
    drain(err_fd, err);
    close(out_fd);
    close(err_fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
