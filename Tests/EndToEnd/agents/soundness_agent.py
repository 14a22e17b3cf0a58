"""An agent that tries each hole of issue 14 with the official clients (google-cloud-bigquery,
its DB-API, SQLAlchemy), printing one line per attempt: `CASE name: ALLOWED ...`,
`CASE name: Forbidden: <message>` or `CASE name: ERROR <type>: <message>` (an error that is not
the gate's refusal, e.g. the emulator not supporting the call)."""
from google.api_core import exceptions
from google.cloud import bigquery
from google.cloud.bigquery import dbapi
from google.cloud.bigquery.query import ConnectionProperty

client = bigquery.Client()


def attempt(name, call):
    try:
        result = call()
        print(f"CASE {name}: ALLOWED {result}", flush=True)
    except exceptions.Forbidden as error:
        message = error.message.splitlines()[0]
        print(f"CASE {name}: Forbidden: {message[message.find('Access Denied'):]}", flush=True)
    except Exception as error:  # noqa: BLE001 - any other failure is reported, not a refusal
        print(f"CASE {name}: ERROR {type(error).__name__}: {str(error).splitlines()[0][:200]}", flush=True)


def query(sql, **config):
    job_config = bigquery.QueryJobConfig(**config) if config else None
    return [tuple(row.values()) for row in client.query(sql, job_config=job_config).result()]


def dbapi_rows():
    cursor = dbapi.connect(client).cursor()
    cursor.execute("SELECT id, name FROM shop.customers WHERE id = %(id)s ORDER BY id LIMIT %(n)s", {"id": 1, "n": 5})
    return cursor.fetchall()[0][1]


def sqlalchemy_rows():
    import sqlalchemy
    engine = sqlalchemy.create_engine("bigquery://test-proj/shop")
    customers = sqlalchemy.Table("customers", sqlalchemy.MetaData(), sqlalchemy.Column("id", sqlalchemy.Integer),
                                 sqlalchemy.Column("name", sqlalchemy.String), schema="shop")
    with engine.connect() as connection:
        statement = sqlalchemy.select(customers.c.name).where(customers.c.id == 2).limit(3)
        return [row[0] for row in connection.execute(statement)]


def view(sql, table):
    definition = bigquery.Table(table)
    definition.view_query = sql
    return client.create_table(definition).table_id


CASES = {
    # 0: a comment ended by \r hides the rest of the line from a gate that ends comments at \n only.
    "cr-union": lambda: query("SELECT name FROM shop.customers -- x\rUNION ALL SELECT secret FROM other.secrets"),
    "cr-drop": lambda: query("SELECT 1 AS one # x\r; DROP TABLE shop.customers"),
    "adjacent-literals": lambda: query("SELECT 'a''b' AS s"),
    # 1: every table of an allow rule.
    "join-outside": lambda: query("SELECT c.id, s.secret FROM shop.customers c JOIN other.secrets s USING (id)"),
    "subquery-outside": lambda: query("SELECT id FROM shop.customers WHERE id IN (SELECT id FROM (SELECT id FROM other.secrets))"),
    "join-inside": lambda: query("SELECT COUNT(*) AS n FROM shop.customers c JOIN shop.big b ON c.id = b.id"),
    # 2: destination tables.
    "destination-truncate": lambda: query("SELECT 1 AS id", destination="test-proj.shop.customers", write_disposition="WRITE_TRUNCATE"),
    "destination-other": lambda: query("SELECT id FROM shop.customers", destination="test-proj.other.copy", write_disposition="WRITE_APPEND"),
    "destination-scratch": lambda: query("SELECT id FROM shop.customers", destination="test-proj.scratch.ids", write_disposition="WRITE_APPEND"),
    "connection-property": lambda: query("SELECT id FROM customers", connection_properties=[ConnectionProperty("dataset_project_id", "other-proj")]),
    # 4: backtick-quoted parameters, as the DB-API and SQLAlchemy write them.
    "dbapi-parameters": dbapi_rows,
    "sqlalchemy-limit": sqlalchemy_rows,
    # 3: copy, extract and load jobs; views.
    "copy-to-scratch": lambda: client.copy_table("test-proj.shop.customers", "test-proj.scratch.customers_copy").result().job_type,
    "copy-secrets": lambda: client.copy_table("test-proj.other.secrets", "test-proj.scratch.stolen").result().job_type,
    "extract": lambda: client.extract_table("test-proj.shop.customers", "gs://bucket/customers-*.csv").result().job_type,
    "load-scratch": lambda: client.load_table_from_uri("gs://bucket/seed.csv", "test-proj.scratch.seed").result().job_type,
    "load-truncate": lambda: client.load_table_from_uri(
        "gs://bucket/seed.csv", "test-proj.shop.customers",
        job_config=bigquery.LoadJobConfig(write_disposition="WRITE_TRUNCATE")).result().job_type,
    "upload-scratch": lambda: client.load_table_from_json(
        [{"id": 1}], "test-proj.scratch.uploaded",
        job_config=bigquery.LoadJobConfig(schema=[bigquery.SchemaField("id", "INT64")])).result().job_type,
    "upload-truncate": lambda: client.load_table_from_json(
        [{"id": 1}], "test-proj.shop.customers",
        job_config=bigquery.LoadJobConfig(schema=[bigquery.SchemaField("id", "INT64")], write_disposition="WRITE_TRUNCATE")).result().job_type,
    "view-secrets": lambda: view("SELECT * FROM `test-proj.other.secrets`", "test-proj.scratch.v_secrets"),
    "view-shop": lambda: view("SELECT id FROM `test-proj.shop.customers`", "test-proj.scratch.v_ids"),
}

for case, call in CASES.items():
    attempt(case, call)
