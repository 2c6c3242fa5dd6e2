module scim-ldap-operator/tools/pause

go 1.26.0
