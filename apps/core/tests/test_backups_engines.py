"""Row counting in dump streams: what verification compares with a scratch restore."""

from apps.core.backups.engines import mysql_dump_row_counts


def _count(text: str) -> dict[str, int]:
    return dict(mysql_dump_row_counts(iter(text.encode().splitlines())))


def test_rows_are_counted_in_mysqldumps_one_line_inserts_even_with_tricky_strings():
    dump = (
        "CREATE TABLE `blog_post` (...);\n"
        "INSERT INTO `blog_post` VALUES (1,'f(a),(b)','it\\'s \\\\'),(2,'闭合);',NULL),(3,'x',0x00FF);\n"
        "INSERT INTO `blog_post` VALUES (4,'next statement');\n"
        "INSERT INTO `odd``name` VALUES (1,'a');\n"
    )

    assert _count(dump) == {"blog_post": 4, "odd`name": 1}


def test_rows_are_counted_in_mariadb_dumps_one_row_per_line():
    dump = (
        "INSERT INTO `accounts_user` VALUES\n"
        "(1,'a@example.com','林小雨 ),(  '),\n"
        "(2,'b@example.com','ends with );'),\n"
        "(3,'c@example.com','');\n"
        "INSERT INTO `django_site` VALUES\n"
        "(1,'example.com','example');\n"
        "/*!40000 ALTER TABLE `django_site` ENABLE KEYS */;\n"
    )

    assert _count(dump) == {"accounts_user": 3, "django_site": 1}
