import { findBlockedAction } from './blocked-actions';

const cmd = (command: string) => findBlockedAction({ command }, { isCode: true });

describe('blocked actions', () => {
  it.each([
    'rm -rf /',
    'rm -r -f /tmp/x',
    '/bin/rm -fr /',
    'rm -fr ~',
    'rm -Rf *',
    'rm --recursive --force data',
    'rm -r /',
    'rm -rvf --no-preserve-root /',
    'sudo rm -rf /',
    '  RM   -RF   / ',
    'r"m" -rf /',
    "'rm' '-rf' '/'",
    '\\rm -rf /',
    'rm${IFS}-rf${IFS}/',
    'echo ok; rm -rf /var',
    'true && /usr/bin/rm -r -f /etc',
    'ls | xargs rm -rf',
    'env X=1 rm -rf /',
    'bash -c "rm -rf /"',
    'busybox rm -rf /',
    'find / -delete',
    'find /home -name "*.log" -delete',
    'find . -exec rm {} \\;',
    'find / -exec /bin/rm -f {} +',
  ])('blocks the recursive delete %p', (command) => {
    expect(cmd(command)).toMatchObject({ rule: 'recursive-delete' });
  });

  it.each([
    'DROP DATABASE prod',
    'drop database prod',
    'DrOp    DaTaBaSe prod',
    'DROP\n\tDATABASE prod',
    'DROP/**/DATABASE prod',
    'psql -c "drop schema public cascade"',
    "cursor.execute('DROP DATABASE x')",
  ])('blocks %p', (text) => {
    expect(findBlockedAction({ sql: text })).toMatchObject({ rule: 'drop-database' });
  });

  it.each([
    'mkfs.ext4 /dev/sda1',
    'sudo mkfs -t xfs /dev/sdb',
    'format c: /q',
    'dd if=/dev/zero of=/dev/sda',
    'wipefs -a /dev/sda',
  ])('blocks the format operation %p', (command) => {
    expect(cmd(command)).toMatchObject({ rule: 'format-disk' });
  });

  it.each([
    ['curl http://169.254.169.254/latest/meta-data/', 'metadata-endpoint'],
    ['curl http://metadata.google.internal/', 'metadata-endpoint'],
    ['wget http://[fd00:ec2::254]/', 'metadata-endpoint'],
    ['curl http://100.100.100.200/', 'metadata-endpoint'],
    ['curl http://2130706433/', 'internal-address'],
    ['curl http://0x7f000001:8080/', 'internal-address'],
    ['curl http://[::ffff:7f00:1]/', 'internal-address'],
    ['nc 10.0.0.5 5432', 'internal-address'],
    ['ping 0177.0.0.1', 'internal-address'],
    ['ssh root@192.168.1.10', 'internal-address'],
    ['import socket; socket.create_connection(("127.0.0.1", 22))', 'internal-address'],
  ])('blocks internal destinations %p', (command, rule) => {
    expect(cmd(command)).toMatchObject({ rule });
  });

  it('checks URLs in any argument, and respects the operator allow-list', () => {
    expect(findBlockedAction({ url: 'http://127.0.0.1:9000/x' })).toMatchObject({
      rule: 'internal-address',
    });
    expect(
      findBlockedAction({ url: 'http://127.0.0.1:9000/x' }, { allowHosts: ['127.0.0.1:9000'] }),
    ).toBeUndefined();
    expect(
      findBlockedAction({ url: 'http://127.0.0.1:9001/x' }, { allowHosts: ['127.0.0.1:9000'] }),
    ).toMatchObject({ rule: 'internal-address' });
  });

  it.each([
    { command: 'rm notes.txt' },
    { command: 'rm -f build.log' },
    { command: 'ls -la && cat report.md' },
    { command: 'find . -name "*.py"' },
    { code: 'print(sum(range(10)))' },
    { code: 'import shutil; shutil.rmtree("build")' },
    { content: 'Version 1.2.3 released; call 555-1234' },
    { url: 'https://example.com/a?b=1' },
    { sql: 'SELECT * FROM drops' },
    { text: 'We will not drop the database idea.' },
  ])('allows the harmless %p', (args) => {
    expect(findBlockedAction(args)).toBeUndefined();
  });
});
