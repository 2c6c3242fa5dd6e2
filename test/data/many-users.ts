// Writes an LDIF of `count` POSIX users under ou=people,dc=example,dc=org (after the base entries), for tests
// and benchmarks of large groups.
export function manyUsersLdif(count: number, prefix = 'm'): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const uid = `${prefix}${i}`;
    out += `dn: uid=${uid},ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\nmail: ${uid}@example.org\nuidNumber: ${50000 + i}\ngidNumber: 10000\nhomeDirectory: /home/${uid}\n\n`;
  }
  return out;
}
